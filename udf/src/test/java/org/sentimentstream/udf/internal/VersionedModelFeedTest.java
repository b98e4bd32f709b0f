package org.sentimentstream.udf.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VersionedModelFeedTest {

    @Test
    void versionsCompareTheirDigitRunsAsNumbers() {
        List<String> versions = new ArrayList<>(List.of("v10", "2", "v9", "10", "007", "v2-rc1", "v2", "1"));
        versions.sort(VersionedModelFeed::compareVersions);
        assertThat(versions).containsExactly("1", "2", "007", "10", "v2", "v2-rc1", "v9", "v10");
        assertThat(VersionedModelFeed.compareVersions("0010", "10")).isPositive(); // equal numbers: longer last
        assertThat(VersionedModelFeed.compareVersions("20261204", "9")).isPositive();
    }
}
