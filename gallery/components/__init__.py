"""The Pulumi components that turn a validated catalog into Azure resources."""
from gallery.components.image_gallery import TYPE, ImageGallery, ImageGalleryArgs

__all__ = ["TYPE", "ImageGallery", "ImageGalleryArgs"]
