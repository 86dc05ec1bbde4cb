package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node-shell batches as a node's sh runs them: the scripts run here through this machine's
 * {@code sh -s} (GNU coreutils, as on a Debian node), against a temporary tree, and their output is
 * parsed as it comes back from a node.
 */
class NodeShellTest {
    @TempDir
    Path tmp;

    private static byte[] sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-s").start();
        p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        return out;
    }

    private static long mtime(Path p) throws IOException {
        return Math.floorDiv(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis(), 1000L);
    }

    @Test
    void touchSetsEveryTimeAsItIsWithoutFollowingLinksAndReadsItBack() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("dest root"));
        Files.createDirectories(root.resolve("it's a dir"));
        Files.writeString(root.resolve("it's a dir/new\nline"), "x");
        Files.writeString(root.resolve("target"), "t");
        Files.createSymbolicLink(root.resolve("link"), Path.of("target"));
        Map<String, Long> times = new LinkedHashMap<>();
        times.put("it's a dir/new\nline", -315619200L);
        times.put("it's a dir", 7258118400L);
        times.put("link", -1L);
        times.put("", 4294967296L);
        times.put("gone", -5L);
        List<String> dirs = new ArrayList<>();
        Map<String, Long> stored = ShellBatch.parseTouch(sh(ShellBatch.touchScript(root.toString(), times, dirs)), dirs,
                times);
        assertThat(stored).containsOnly(Map.entry("it's a dir/new\nline", -315619200L),
                Map.entry("it's a dir", 7258118400L), Map.entry("link", -1L), Map.entry("", 4294967296L));
        assertThat(mtime(root.resolve("it's a dir/new\nline"))).isEqualTo(-315619200L);
        assertThat(mtime(root.resolve("link"))).isEqualTo(-1L);
        assertThat(mtime(root.resolve("target"))).as("the link was not followed").isNotEqualTo(-1L);
        assertThat(mtime(root)).isEqualTo(4294967296L);
    }

    @Test
    void aDirectorySwappedForALinkOutOfTheTreeIsNotEntered() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("f"), "not the tree's");
        long before = mtime(outside.resolve("f"));
        Files.createSymbolicLink(root.resolve("d"), outside);
        Map<String, Long> times = Map.of("d/f", -100L);
        List<String> dirs = new ArrayList<>();
        Map<String, Long> stored = ShellBatch.parseTouch(sh(ShellBatch.touchScript(root.toString(), times, dirs)), dirs,
                times);
        assertThat(stored).isEmpty();
        assertThat(mtime(outside.resolve("f"))).isEqualTo(before);
    }

    @Test
    void statTellsWhichNamesAreOneFileAndTheirTrueTimes() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("a"));
        Path one = Files.writeString(root.resolve("a/one"), "shared");
        Files.createLink(root.resolve("two"), one);
        Files.writeString(root.resolve("apart"), "shared");
        Process t = new ProcessBuilder("touch", "-d", "@-315619200", one.toString()).start();
        assertThat(t.waitFor()).isZero();
        Map<String, ShellBatch.Stat> st = ShellBatch.parseStat(sh(ShellBatch.statScript(root.toString(),
                List.of("a/one", "two", "apart", "missing", ""))));
        assertThat(st).containsOnlyKeys("a/one", "two", "apart", "");
        assertThat(st.get("two").inode()).isEqualTo(st.get("a/one").inode());
        assertThat(st.get("apart").inode()).isNotEqualTo(st.get("a/one").inode());
        assertThat(st.get("two").links()).isEqualTo(2);
        assertThat(st.get("two").mtime()).isEqualTo(-315619200L);
    }
}
