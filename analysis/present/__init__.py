"""Words, tables and charts for people: ``formatting``, ``narrative``, ``tables``, ``plots``."""
