"""Print the address standardisation's step lists, in order: ``python -m streetlink.standardise.addresses``."""

from streetlink.standardise.addresses import RECORD_STEPS, plan
from streetlink.standardise.addresses.parse import PARSE_STEPS

print(plan(RECORD_STEPS, "Records (records.py): staged_records → records_address"))
print()
print(plan(PARSE_STEPS, "One address (parse.py): text → AddressParts"))
