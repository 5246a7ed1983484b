"""VHD files and their blobs: the fixed-VHD format, sparse scanning, the blob store, uploads."""
