"""VHD files and their blobs: the fixed-VHD format, sparse scanning, the blob store, uploads.

Nothing is imported here: the command line reads the default below when it starts, without Azure's SDK.
"""

# Put-page requests in flight during an upload.
DEFAULT_WORKERS = 8
