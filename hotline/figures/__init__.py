"""The line's figures: anonymous counts per week, channel, language, topic and
country, kept after the purge, published only with small cells suppressed."""
