"""Several related tables: propose keys and links from the values, order tables, count integrity problems."""
from synthgate.relational.errors import CycleError, RelationalError
from synthgate.relational.integrity import duplicate_keys, null_keys, orphan_mask, orphans, sequence_ties
from synthgate.relational.keys import Proposal, name_tokens, propose_keys, propose_sequence
from synthgate.relational.order import depth, generating_links, table_order

__all__ = [
    "CycleError",
    "Proposal",
    "RelationalError",
    "depth",
    "duplicate_keys",
    "generating_links",
    "name_tokens",
    "null_keys",
    "orphan_mask",
    "orphans",
    "propose_keys",
    "propose_sequence",
    "sequence_ties",
    "table_order",
]
