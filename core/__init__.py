"""Cross-cutting building blocks: configuration, extensions, ids, time, money and limits."""
