"""Where computation runs when it should not run in pandas: DuckDB (:mod:`~mktkit.engines.duckdb`:
connections, SQL quoting, the shared reductions on pandas tables) and Spark
(:mod:`~mktkit.engines.spark`: sessions, inputs, validation that names rows;
:mod:`~mktkit.engines.spark_tables`: the orders and channel tables in Spark).

Nothing here knows a marketing method: the analysis modules hand their SQL and their checks
to the engine that holds the data.
"""
