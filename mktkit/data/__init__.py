"""Reading and validating tables: files in, validated DataFrames with the contract's names out.

- :mod:`~mktkit.data.io`: :func:`~mktkit.data.io.read_table` (CSV, Parquet, Excel, DuckDB)
  and :func:`~mktkit.data.io.validate` against a schema of :mod:`mktkit.schemas`;
- :mod:`~mktkit.data.folder`: a data folder as a mapping of validated tables, and
  :func:`~mktkit.data.folder.data_until` (the data as of a day);
- :mod:`~mktkit.data.sample`: :func:`~mktkit.data.sample.load_sample`, the sample company;
  :mod:`~mktkit.data.generate` makes it (seeded, byte-identical);
- :mod:`~mktkit.data.memo`: review results remembered per data files and arguments.
"""
