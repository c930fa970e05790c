# Thin aliases for dev.py, which needs nothing but Python 3.11+.
.PHONY: run test lint ci bench

run:
	python3 dev.py run

test:
	python3 dev.py test

lint:
	.venv/bin/ruff check .

ci:
	bash .ci/run

# Benchmarks print ratios measured in one run; see bench/*.py for their options.
bench:
	.venv/bin/python bench/load.py --products 1000
