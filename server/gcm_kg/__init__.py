"""gcm-kg: a linked-data knowledge graph of the Global Compact for Migration (GCM)."""

__version__ = "0.1.0"
