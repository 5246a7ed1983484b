"""The catalog: images.yaml read with positions, checked against the schema and Azure's rules, built into the model."""
