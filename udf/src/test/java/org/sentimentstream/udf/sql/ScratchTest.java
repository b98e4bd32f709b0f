package org.sentimentstream.udf.sql;

import org.sentimentstream.udf.InferenceConfig;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.apache.flink.test.junit5.MiniClusterExtension;

class ScratchTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = SqlTesting.miniCluster();
    @Test
    void nulls() throws Exception {
        StreamTableEnvironment tEnv = SqlTesting.tableEnv(1);
        SqlTesting.registerReviews(tEnv, "reviews", SqlTesting.TEXTS.size());
        tEnv.createTemporarySystemFunction("SENTIMENT", new SentimentFunction(InferenceConfig.builder().model(SqlTesting.modelDir()).build()));
        tEnv.executeSql("CREATE TEMPORARY VIEW v AS SELECT id, text FROM reviews WHERE id > 120");
        for (String q : new String[] {"SELECT id, text, text IS NULL FROM v", "SELECT id, text, text IS NULL, SENTIMENT(text) FROM v", "SELECT id, text, SENTIMENT(text) FROM v", "SELECT id, SENTIMENT(text), text FROM v"}) {
            System.out.println("EXPLAIN " + tEnv.explainSql(q));
            for (Row r : SqlTesting.collect(tEnv.executeSql(q).collect())) {
                if (r.getFieldAs(0).equals(139L) || r.getFieldAs(0).equals(134L)) System.out.println("ROW " + q + " -> " + r + " textnull=" + (r.getField(1) == null) + (r.getArity() > 2 ? " f2null=" + (r.getField(2) == null) : ""));
            }
        }
    }
}
