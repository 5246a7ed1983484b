"""The Pulumi components that declare a catalog's desired state (gallery.desired) as Azure resources."""

from gallery.components.image_gallery import TYPE, GalleryOutputs, ImageGallery, ImageGalleryArgs

__all__ = ["TYPE", "GalleryOutputs", "ImageGallery", "ImageGalleryArgs"]
