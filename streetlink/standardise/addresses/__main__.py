"""Print the address standardisation's step lists, in order: ``python -m streetlink.standardise.addresses``."""

from streetlink.standardise.addresses import RECORD_STEPS, plan
from streetlink.standardise.addresses.parse import PARSE_STEPS
from streetlink.standardise.gazetteer import GAZETTEER_STATEMENTS
from streetlink.standardise.housing import HOUSING_STEPS

print(plan(HOUSING_STEPS, "Registry (housing.py), once per refresh: housing → housing_std, repairs counted"))
print("\nGazetteer (gazetteer.sql), after it: " + " → ".join(GAZETTEER_STATEMENTS))
print()
print(plan(RECORD_STEPS, "Records (records.py), every night: staged_records → records_address"))
print()
print(plan(PARSE_STEPS, "One address (parse.py): text → AddressParts"))
