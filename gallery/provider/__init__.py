"""`gallery` as a Pulumi component package: the provider hosting ImageGallery for other languages, and its schema."""
