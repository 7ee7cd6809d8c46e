"""Batch evaluation: many answer files, one line of results each, in input order.

- ``inputs``: files, folders and glob patterns -> the ordered list of answer files
- ``evaluation``: each file -> a ``FileResult`` (in process, or in worker processes
  that each build their engine once), streamed in input order
- ``results``: a file's status and the running totals
- ``formats``: text (a table), jsonl, csv and junit writers, one result at a time
- ``output``: standard output, or a file written atomically as the results stream
- ``progress``: prompt_toolkit's progress bar, for a terminal and a long batch

Nothing holds every result: memory stays flat however many files there are.
"""
