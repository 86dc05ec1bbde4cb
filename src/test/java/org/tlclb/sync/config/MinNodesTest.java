package org.tlclb.sync.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MinNodesTest {
    @Test
    void aCountOrAShareRoundedUpNeverMoreThanTheRunsNodes() {
        MinNodes three = MinNodes.parse("3").orElseThrow();
        assertThat(three.required(4)).isEqualTo(3);
        assertThat(three.required(2)).as("a -w subset of two asks for both").isEqualTo(2);
        MinNodes share = MinNodes.parse("75%").orElseThrow();
        assertThat(share.required(4)).isEqualTo(3);
        assertThat(share.required(5)).isEqualTo(4);
        assertThat(MinNodes.parse("1%").orElseThrow().required(3)).isEqualTo(1);
        assertThat(MinNodes.ALL.required(7)).isEqualTo(7);
        assertThat(MinNodes.ALL.all()).isTrue();
        assertThat(MinNodes.parse("100%").orElseThrow().all()).isTrue();
        assertThat(MinNodes.ONE.required(9)).isEqualTo(1);
        assertThat(share).hasToString("75%");
    }

    @Test
    void anythingElseIsNotAValue() {
        for (String bad : new String[] {"0", "0%", "101%", "-1", "3.5", "all", "", "50 %", "9999999999"}) {
            assertThat(MinNodes.parse(bad)).as(bad).isEmpty();
        }
    }
}
