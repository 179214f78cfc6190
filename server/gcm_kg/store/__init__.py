"""Stores behind one interface (:mod:`.base`): embedded pyoxigraph (:mod:`.embedded`, built by
:mod:`.build`), the killable query process (:mod:`.executor`), a remote SPARQL 1.1 engine
(:mod:`.remote`), and the one factory :func:`.factory.open_store`."""
