"""The Pulumi components that turn a validated catalog into Azure resources."""
from gallery.components.image_gallery import TYPE, GalleryOutputs, ImageGallery, ImageGalleryArgs, Selection

__all__ = ["TYPE", "GalleryOutputs", "ImageGallery", "ImageGalleryArgs", "Selection"]
