"""The desired state: what a validated catalog becomes in Azure and in a stack, as plain data.

For every object: its type token, logical name (the URN's last part), ARM id, API version, inputs in the
REST / azure-native shape, resource options and the stack part that owns it. The Pulumi components declare
from it; the review diff, discovery, status, lifecycle and the import file read it. Nothing here imports
Pulumi: knowing a resource costs a dict, not a run of the program under the engine's mocks.
"""
