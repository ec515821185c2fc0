"""Knowledge-base load time: Knowledge().genes and Knowledge().load_all(), parsed from the YAML (YAML + pydantic
+ derived JSON join: what the first process after an install or a knowledge update does) and read back from the
compiled store (charcot.knowledge.compiled: what every later process does).

Run: .venv/bin/python benchmarks/bench_knowledge.py   (median of N fresh Knowledge objects in one process; CPU time
of this process, which a loaded machine inflates less than wall time)
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time


def main(repeats: int = 7) -> None:
    os.environ["CHARCOT_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-knowledge-")
    t0 = time.process_time()
    from charcot.knowledge import Knowledge
    from charcot.knowledge.schema import genes as genes_schema
    from charcot.knowledge.schema import variants as _variants  # noqa: F401  (import cost counted once)

    import_s = time.process_time() - t0
    print(f"import charcot.knowledge + gene/variant schemas: {import_s * 1000:.1f} ms (first import, includes pydantic; CPU)")
    for label, store in (("parsed (store off)", "0"), ("from the compiled store", "1")):
        os.environ["CHARCOT_KNOWLEDGE_CACHE"] = store
        if store == "1":
            Knowledge().load_all()  # fills the store
        genes_times, all_times = [], []
        for _ in range(repeats):
            genes_schema._derived_cache.clear()  # a fresh process re-reads derived/genes.json
            t = time.process_time()
            n = len(Knowledge().genes)
            genes_times.append(time.process_time() - t)
            genes_schema._derived_cache.clear()
            t = time.process_time()
            Knowledge().load_all()
            all_times.append(time.process_time() - t)
        print(f"{label}, CPU: Knowledge().genes ({n} genes): median {statistics.median(genes_times) * 1000:.1f} ms "
              f"(min {min(genes_times) * 1000:.1f}); load_all() (every section + bibliography): median "
              f"{statistics.median(all_times) * 1000:.1f} ms (min {min(all_times) * 1000:.1f}); {repeats} runs")


if __name__ == "__main__":
    main()
