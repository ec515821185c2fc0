"""Knowledge-base load time: Knowledge().genes (YAML + pydantic + derived JSON join) and Knowledge().load_all().

Run: .venv/bin/python benchmarks/bench_knowledge.py   (prints median of N fresh loads; target: genes well under 0.1 s)
"""

from __future__ import annotations

import statistics
import time


def main(repeats: int = 7) -> None:
    t0 = time.perf_counter()
    from charcot.knowledge import Knowledge
    from charcot.knowledge.schema import genes as genes_schema
    from charcot.knowledge.schema import variants as _variants  # noqa: F401  (import cost counted once)

    import_s = time.perf_counter() - t0
    genes_times, all_times = [], []
    for _ in range(repeats):
        genes_schema._derived_cache.clear()  # a fresh process re-reads derived/genes.json
        t = time.perf_counter()
        kb = Knowledge()
        n = len(kb.genes)
        genes_times.append(time.perf_counter() - t)
        genes_schema._derived_cache.clear()
        t = time.perf_counter()
        Knowledge().load_all()
        all_times.append(time.perf_counter() - t)
    print(f"import charcot.knowledge + schemas: {import_s * 1000:.1f} ms (first import, includes pydantic/yaml)")
    print(f"Knowledge().genes ({n} genes with coordinates): median {statistics.median(genes_times) * 1000:.1f} ms "
          f"(min {min(genes_times) * 1000:.1f} ms, {repeats} runs)")
    print(f"Knowledge().load_all() (every section + bibliography): median {statistics.median(all_times) * 1000:.1f} ms "
          f"(min {min(all_times) * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
