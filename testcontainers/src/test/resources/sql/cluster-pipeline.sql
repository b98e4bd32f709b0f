-- The SQL of SqlSessionClusterITCase, run on a session cluster twice: by the job jar's `sql` command (submitted
-- through the REST API) and statement by statement through the SQL Gateway. docs/sql-cluster.md shows it.
-- ${...} are the `sql` command's variables; the test puts the same values in for the Gateway.
SET 'pipeline.name' = '${pipeline.name}';
SET 'execution.checkpointing.interval' = '2 s';
SET 'execution.checkpointing.mode' = 'EXACTLY_ONCE';
SET 'table.exec.async-ml-predict.max-concurrent-operations' = '64';

CREATE TEMPORARY TABLE reviews (
  id STRING,
  text STRING
) WITH (
  'connector' = 'kafka',
  'topic' = '${input.topic}',
  'properties.bootstrap.servers' = '${bootstrap.servers}',
  'properties.group.id' = '${group.id}',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  -- true: a record that is not JSON is dropped; false (Flink's default) fails the job on it
  'json.ignore-parse-errors' = '${json.ignore-parse-errors:-true}'
);

CREATE TEMPORARY MODEL review_sentiment
  INPUT (text STRING)
  OUTPUT (label STRING, score DOUBLE, tokens INT, windows INT, truncated BOOLEAN, model STRING)
  WITH (
    'provider' = 'onnx',
    'model' = '${model}',
    'max-batch-size' = '16',
    'max-batch-delay' = '10 ms'
  );

CREATE TEMPORARY TABLE scored_reviews (
  id STRING,
  text_is_null BOOLEAN,
  text_chars INT,
  label STRING,
  score DOUBLE,
  tokens INT,
  windows INT,
  truncated BOOLEAN,
  model STRING
) WITH (
  'connector' = 'kafka',
  'topic' = '${output.topic}',
  'properties.bootstrap.servers' = '${bootstrap.servers}',
  'key.format' = 'raw',
  'key.fields' = 'id',
  'value.format' = 'json',
  'value.fields-include' = 'ALL',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${transactional.id.prefix}',
  -- at most the broker's transaction.max.timeout.ms (15 min by default); the connector's default is 1 h
  'properties.transaction.timeout.ms' = '600000'
);

INSERT INTO scored_reviews
SELECT id, text IS NULL, CHAR_LENGTH(text), label, score, tokens, windows, truncated, model
FROM ML_PREDICT(TABLE reviews, MODEL review_sentiment, DESCRIPTOR(text));
