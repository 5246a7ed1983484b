"""What a gallery's versions cost to store, from a dated price table in the repository (prices.json).

Azure stores every replica of a version: its size, times the replicas of each target region (and their
additional replica sets), at that region's storage type. The table gives a list price per GiB-month and storage
type; outputs say the table's date and that it is a list price, not a bill.
"""
