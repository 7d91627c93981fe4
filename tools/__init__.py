"""Benchmarks, measurements and maintenance scripts: run from a checkout
(``make bench``, ``make measure-*``), never deployed with the line. The
``hotline`` and ``bot`` packages hold only what runs in production."""
