-- Scores a Kafka topic of JSON reviews with DistilBERT SST-2 through ML_PREDICT and writes the scored reviews,
-- as JSON keyed by id, to another topic. One streaming job.
--
--   flink run sentiment-stream-job.jar sql --file classpath:sql/reviews-pipeline.sql \
--     -Dbootstrap.servers=kafka:9092 -Dinput.topic=reviews -Doutput.topic=scored-reviews
--
-- Variables (-Dname=value): bootstrap.servers, input.topic and output.topic are required; the others have the
-- defaults after ':-'. In the SQL client, replace the ${...} by hand and add the job jar (ADD JAR).
--
-- Input:  {"id": "r1", "text": "A gripping, beautifully shot film."}   (other fields are ignored)
-- Output: {"id": "r1", "text": "...", "label": "POSITIVE", "score": 0.99, "probabilities": {...},
--          "logits": [...], "tokens": 11, "windows": 1, "truncated": false, "model": "distilbert-...@sha256:..."}
-- A review longer than max-sequence-length is read whole, in windows ('long-text' = 'windows'; 'truncate' reads
-- only its first tokens, faster).
-- A record whose text is NULL, missing, empty or blank comes out with NULL sentiment columns; a record that is not
-- JSON is skipped ('json.ignore-parse-errors'): SQL has no dead-letter topic.

SET 'pipeline.name' = '${pipeline.name:-sentiment-stream-sql}';
SET 'execution.checkpointing.interval' = '${checkpoint.interval:-10 s}';
-- Rows in flight per ML_PREDICT subtask: what lets micro-batches fill up (a few times max-batch-size).
SET 'table.exec.async-ml-predict.max-concurrent-operations' = '${max-concurrent-operations:-64}';

CREATE TEMPORARY TABLE reviews (
  id STRING,
  text STRING
) WITH (
  'connector' = 'kafka',
  'topic' = '${input.topic}',
  'properties.bootstrap.servers' = '${bootstrap.servers}',
  'properties.group.id' = '${group.id:-sentiment-stream-sql}',
  'scan.startup.mode' = '${startup.mode:-group-offsets}',
  'properties.auto.offset.reset' = 'earliest',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
);

CREATE TEMPORARY MODEL review_sentiment
  INPUT (text STRING)
  OUTPUT (label STRING, score DOUBLE, probabilities MAP<STRING, DOUBLE>, logits ARRAY<FLOAT>, tokens INT,
          windows INT, truncated BOOLEAN, model STRING)
  WITH (
    'provider' = 'onnx',
    'model' = '${model:-hf:optimum/distilbert-base-uncased-finetuned-sst-2-english}',
    'max-sequence-length' = '${max-sequence-length:-128}',
    'long-text' = '${long-text:-windows}',
    'max-batch-size' = '${max-batch-size:-16}',
    'max-batch-delay' = '${max-batch-delay:-10 ms}',
    'session-sharing' = '${session-sharing:-PER_SLOT}'
  );

CREATE TEMPORARY TABLE scored_reviews (
  id STRING,
  text STRING,
  label STRING,
  score DOUBLE,
  probabilities MAP<STRING, DOUBLE>,
  logits ARRAY<FLOAT>,
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
  'sink.delivery-guarantee' = 'at-least-once'
);

INSERT INTO scored_reviews
SELECT id, text, label, score, probabilities, logits, tokens, windows, truncated, model
FROM ML_PREDICT(TABLE reviews, MODEL review_sentiment, DESCRIPTOR(text));
