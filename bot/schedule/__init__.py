"""Schedule files: YAML loading with positions, validation, JSON Schema, iCalendar export."""
