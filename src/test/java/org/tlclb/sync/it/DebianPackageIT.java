package org.tlclb.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.tlclb.sync.it.MachinePackages.CACHE_DIR;
import static org.tlclb.sync.it.MachinePackages.LOG_DIR;
import static org.tlclb.sync.it.MachinePackages.apt;
import static org.tlclb.sync.it.MachinePackages.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.hermetic.WritesTheMachine;
import org.tlclb.sync.run.TreeAssert;

/**
 * The Debian package that {@code mvn package} builds, installed into this machine as an admin
 * installs it ({@code apt-get install ./target/tlclb-sync_VERSION_all.deb}), used as cron uses it
 * ({@code env -i PATH=/usr/sbin:/usr/bin:/bin}, pushing to real OpenSSH nodes), then removed and
 * purged. Needs root and dpkg (skipped otherwise, failing under CI=true); installs lintian, man-db
 * and bash-completion when they are missing. Refuses to run over an installed tlclb-sync (unless
 * its own marker says an earlier run of this test was killed and left it), and puts back what it
 * moved (a log directory of earlier runs) whatever happens.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WritesTheMachine("installs the package and runs it as cron does: /var/log/tlclb, /var/lib/tlclb, /run/tlclb, /etc/clusterserver;"
        + " MachinePackages puts them back")
class DebianPackageIT {
    static final String ENV_PATH = "PATH=/usr/sbin:/usr/bin:/bin";
    static final String DEST = "/var/www/html";
    static final Duration RUN = Duration.ofMinutes(2);
    static final Duration RECORDING = Duration.ofMinutes(3);
    static final List<String> COMMANDS = List.of("tlclb", "tlclb_content_sync", "tlclb_config_sync");
    static final List<String> MAN_PAGES = List.of("tlclb", "tlclb_content_sync", "tlclb_config_sync", "tlclb-check",
            "tlclb-rollback", "tlclb-status", "tlclb-keys", "tlclb-keys-install", "tlclb-node");
    static final List<String> UNITS = List.of("tlclb-content-sync.service", "tlclb-content-sync.timer",
            "tlclb-config-sync.service", "tlclb-config-sync.timer");
    /** The catch-up timer and service: every ten minutes, to the nodes behind alone. */
    static final List<String> CATCH_UP_UNITS = List.of("tlclb-content-catch-up.service", "tlclb-content-catch-up.timer");
    static final Path EXAMPLES = Path.of("/usr/share/doc/tlclb-sync/examples");

    @TempDir
    static Path shared;
    static Path deb;
    static String version;
    static MachinePackages machine;
    static OpenSshCluster cluster;
    static Path conf;
    static Path src;

    @BeforeAll
    static void install() throws Exception {
        OpenSshCluster.assumeAvailable(); // root, Linux; fails instead of skipping under CI=true
        deb = builtPackage();
        version = deb.getFileName().toString().replaceFirst("^tlclb-sync_(.*)_all\\.deb$", "$1");
        MachinePackages.recoverFromAnEarlierRun();
        assertThat(MachinePackages.state()).as("tlclb-sync is already installed on this machine; this test would"
                + " replace and purge it. Remove it first: apt-get purge tlclb-sync").isEqualTo("not-installed");
        MachinePackages.requireTools("lintian", "man-db", "bash-completion");
        machine = MachinePackages.before(deb);
        MachinePackages.markInstalling();
        machine.setAsideLogs();
        apt("install", deb.toString()).exits(0);
        cluster = OpenSshCluster.start(shared.resolve("cluster"), 2);
        machine.ownsLocksNaming("127.0." + cluster.subnet() + ".");
        conf = ItSupport.writeConf(cluster, shared.resolve("sync.conf"), ""); // no LogFile: the default one
        src = shared.resolve("site");
        for (int i = 0; i < 30; i++) {
            ItSupport.write(src, "d" + (i % 3) + "/page " + i + ".html", "<p>" + i + "</p>\n", "rw-r--r--",
                    Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i));
        }
    }

    @AfterAll
    static void purgeAndRestore() throws IOException {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (machine != null) {
                if (!MachinePackages.state().equals("not-installed")) {
                    apt("purge", MachinePackages.PACKAGE);
                }
                machine.restore();
            }
        }
    }

    private static Path builtPackage() throws IOException {
        List<Path> debs;
        try (Stream<Path> s = Files.list(Launcher.repo().resolve("target"))) {
            debs = s.filter(p -> p.getFileName().toString().matches("tlclb-sync_.*_all\\.deb")).toList();
        }
        if (debs.isEmpty() && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            assumeTrue(false, "no target/tlclb-sync_*_all.deb (built with -DskipDeb?)");
        }
        assertThat(debs).as("the package mvn package builds").hasSize(1);
        return debs.get(0);
    }

    /** The installed command as cron runs it: an empty environment but PATH. */
    private static Launcher.Result cron(String... argv) {
        List<String> cmd = new ArrayList<>(List.of("env", "-i", ENV_PATH));
        cmd.addAll(List.of(argv));
        return run(RUN, Map.of(), cmd.toArray(new String[0]));
    }

    @Test
    @Order(1)
    void lintianFindsNoError() {
        Launcher.Result r = run(Duration.ofMinutes(3), Map.of(), "lintian", "--fail-on", "error", deb.toString());
        assertThat(r.out()).as(r.describe()).doesNotContainPattern("(?m)^E: ");
        r.exits(0);
    }

    @Test
    @Order(2)
    void dependsOnAJava17RuntimeAndNothingElse() {
        Launcher.Result r = run(Duration.ofMinutes(1), Map.of(), "dpkg-deb", "-f", deb.toString(), "Package",
                "Architecture", "Depends", "Pre-Depends", "Recommends");
        r.exits(0);
        assertThat(r.out()).isEqualTo("Package: tlclb-sync\nArchitecture: all\n"
                + "Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless\n");
    }

    @Test
    @Order(3)
    void installsWhereASystemToolBelongs() throws IOException {
        for (String c : COMMANDS) {
            assertThat(Files.getPosixFilePermissions(Path.of("/usr/sbin", c))).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        assertThat(Path.of("/usr/share/tlclb-sync/tlclb-sync.jar")).isRegularFile();
        assertThat(Path.of("/usr/lib/tlclb-sync/libconscrypt_openjdk_jni-linux-x86_64.so")).isRegularFile();
        assertThat(Path.of("/etc/clusterserver/sync.conf.sample")).hasSameTextualContentAs(
                Launcher.repo().resolve("etc-clusterserver-sample/sync.conf"));
        Launcher.Result conffiles = run(Duration.ofMinutes(1), Map.of(), "dpkg-query", "-W", "-f=${Conffiles}", "tlclb-sync");
        assertThat(conffiles.out()).contains("/etc/clusterserver/sync.conf.sample");
        assertThat(Files.getPosixFilePermissions(LOG_DIR)).isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
        for (String c : COMMANDS) {
            assertThat(Path.of("/usr/share/bash-completion/completions", c)).isRegularFile();
        }
        for (String unit : UNITS) {
            assertThat(EXAMPLES.resolve(unit)).isRegularFile();
        }
        for (String unit : CATCH_UP_UNITS) {
            assertThat(EXAMPLES.resolve(unit)).isRegularFile();
        }
        assertThat(archives()).as("postinst records the class data").hasSize(1);
    }

    @Test
    @Order(4)
    void installedCommandsRunUnderCronsEnvironment() {
        for (String c : COMMANDS) {
            Launcher.Result r = cron(c, "--version").exits(0);
            assertThat(r.out()).isEqualTo("tlclb-sync " + version + "\n");
            assertThat(r.err()).isEmpty();
        }
        cron("/usr/sbin/tlclb_content_sync", "--version").exits(0);
    }

    @Test
    @Order(5)
    void everyCommandHasAManPageWithOptionsExitCodesFilesAndExamples() {
        for (String page : MAN_PAGES) {
            Launcher.Result where = cron("man", "-w", page).exits(0);
            assertThat(where.out()).isEqualTo("/usr/share/man/man8/" + page + ".8.gz\n");
            Launcher.Result text = run(RUN, Map.of(), "env", "-i", ENV_PATH, "MANWIDTH=100", "MANPAGER=cat", "man", page)
                    .exits(0);
            assertThat(text.out()).as(page).contains("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS",
                    "EXAMPLES", "SEE ALSO", "--help");
        }
        Launcher.Result sync = run(RUN, Map.of(), "env", "-i", ENV_PATH, "MANWIDTH=200", "MANPAGER=cat", "man",
                "tlclb_content_sync").exits(0);
        assertThat(sync.out()).contains("--[no-]delete", "--dest=PATH", "/etc/clusterserver/sync.conf", "FILES",
                "ENVIRONMENT", "another run holds the lock");
        // the name of the subcommand, tlclb content-sync, is a link to the page of the command
        assertThat(cron("man", "-w", "tlclb-content-sync").exits(0).out())
                .isEqualTo("/usr/share/man/man8/tlclb_content_sync.8.gz\n");
    }

    @Test
    @Order(6)
    void bashCompletesTheOptionsOfTheInstalledCommand() {
        // What bash-completion does on TAB: load the command's file on demand, call its function.
        String script = "source /usr/share/bash-completion/bash_completion\n"
                + "__load_completion tlclb_content_sync || exit 3\n"
                + "f=$(complete -p tlclb_content_sync | sed -n 's/.* -F \\([^ ]*\\) .*/\\1/p')\n"
                + "COMP_WORDS=(tlclb_content_sync --de); COMP_CWORD=1; COMP_LINE='tlclb_content_sync --de'\n"
                + "COMP_POINT=${#COMP_LINE}\n"
                + "\"$f\" tlclb_content_sync --de tlclb_content_sync 2>/dev/null\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Launcher.Result r = run(RUN, Map.of(), "env", "-i", ENV_PATH, "bash", "-c", script).exits(0);
        assertThat(r.out().split("\n")).containsExactlyInAnyOrder("--delete", "--dest");
    }

    @Test
    @Order(7)
    void pushesToOpenSshNodesFromCronsEnvironment() throws Exception {
        Path report = shared.resolve("report.json");
        Launcher.Result r = cron("tlclb_content_sync", "-c", conf.toString(), "-y", "-q", "--json", report.toString(),
                src.toString(), "--dest", DEST).exits(0);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("exit_code").asInt()).isZero();
        assertThat(json.path("nodes")).hasSize(2).allSatisfy(n -> {
            assertThat(n.path("status").asText()).isEqualTo("ok");
            assertThat(n.path("created").asInt()).isEqualTo(33); // 30 files, 3 directories
        });
        for (int i = 1; i <= 2; i++) {
            TreeAssert.assertSameTree(src, cluster.www(i));
        }
        assertThat(LOG_DIR.resolve("sync.log")).content().contains(json.path("run_id").asText());
        Launcher.Result again = cron("tlclb_content_sync", "-c", conf.toString(), "-y", "-q", "--json", "-",
                src.toString(), "--dest", DEST).exits(0);
        assertThat(again.json().path("nodes")).allSatisfy(n -> assertThat(n.path("created").asInt()
                + n.path("updated").asInt() + n.path("deleted").asInt()).isZero());
        try (Stream<Path> s = Files.list(Path.of("/usr/share/tlclb-sync"))) {
            assertThat(s.map(p -> p.getFileName().toString())).as("nothing is written beside the jar")
                    .containsExactly("tlclb-sync.jar");
        }
    }

    @Test
    @Order(8)
    void exampleUnitsAreValidAndRunNightly() throws IOException {
        for (String unit : UNITS) {
            String text = Files.readString(EXAMPLES.resolve(unit));
            if (unit.endsWith(".timer")) {
                assertThat(text).contains("Persistent=true").containsPattern("(?m)^OnCalendar=\\*-\\*-\\* 0\\d:\\d\\d:00$");
            } else {
                assertThat(text).containsPattern("(?m)^ExecStart=/usr/sbin/tlclb_con(tent|fig)_sync -y -q --json ");
            }
        }
        assertThat(Files.readString(EXAMPLES.resolve("tlclb-content-catch-up.service")))
                .containsPattern("(?m)^ExecStart=/usr/sbin/tlclb_content_sync -y -q --catch-up --json ");
        assertThat(Files.readString(EXAMPLES.resolve("tlclb-content-catch-up.timer"))).contains("OnCalendar=*:0/10");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "no systemd-analyze on this machine");
        List<String> argv = new ArrayList<>(List.of("systemd-analyze", "verify"));
        UNITS.forEach(u -> argv.add(EXAMPLES.resolve(u).toString()));
        CATCH_UP_UNITS.forEach(u -> argv.add(EXAMPLES.resolve(u).toString()));
        Launcher.Result r = run(RUN, Map.of(), argv.toArray(new String[0]));
        assertThat(r.out() + r.err()).as("warnings of systemd-analyze verify").isEmpty();
        r.exits(0);
    }

    @Test
    @Order(9)
    void classDataIsMappedAndRecordedAgainWhenMissing() throws Exception {
        Path archive = archives().get(0);
        assertMapped(archive);
        Files.delete(archive);
        cron("tlclb_content_sync", "-c", conf.toString(), "-y", "-q", src.toString(), "--dest", DEST).exits(0);
        long deadline = System.nanoTime() + RECORDING.toNanos();
        while (!(Files.exists(archive) && recorderDone()) && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(archive).as("recorded again in the background by the run that found it missing").exists();
        assertThat(recorderDone()).isTrue();
        assertThat(archives()).containsExactly(archive);
        assertMapped(archive);
    }

    /** -Xshare:on (CDS) or -XX:AOTMode=on (AOT cache) make the JVM fail when the archive cannot be mapped. */
    private static void assertMapped(Path archive) {
        String force = archive.toString().endsWith(".aot") ? "-XX:AOTMode=on" : "-Xshare:on";
        Launcher.Result r = run(RUN, Map.of(), "env", "-i", ENV_PATH, "TLCLB_JAVA_OPTS=" + force, "tlclb", "--version");
        r.exits(0);
    }

    /** No recorder holds the lock and none left a partial archive. */
    private static boolean recorderDone() throws IOException {
        boolean lockFree = run(RUN, Map.of(), "flock", "-n", CACHE_DIR.resolve(".tlclb-sync.lock").toString(), "true")
                .exit() == 0;
        try (Stream<Path> s = Files.list(CACHE_DIR)) {
            return lockFree && s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        }
    }

    private static List<Path> archives() throws IOException {
        try (Stream<Path> s = Files.list(CACHE_DIR)) {
            return s.filter(p -> p.getFileName().toString().matches("tlclb-sync-.*\\.(jsa|aot)")).toList();
        }
    }

    @Test
    @Order(10)
    void removeKeepsConfigurationAndLogsAndPurgeLeavesNothing() {
        apt("remove", MachinePackages.PACKAGE).exits(0);
        assertThat(MachinePackages.state()).isEqualTo("config-files");
        assertThat(Path.of("/etc/clusterserver/sync.conf.sample")).isRegularFile();
        assertThat(LOG_DIR.resolve("sync.log")).isRegularFile();
        assertThat(Path.of("/usr/sbin/tlclb")).doesNotExist();
        assertThat(CACHE_DIR).doesNotExist();

        apt("purge", MachinePackages.PACKAGE).exits(0);
        assertThat(MachinePackages.state()).isEqualTo("not-installed");
        assertThat(LOG_DIR).doesNotExist();
        assertThat(MachinePackages.STATE_DIR).as("purge drops the cluster's record").doesNotExist();
        assertThat(CACHE_DIR).doesNotExist();
        assertThat(machine.madeByPackage()).as("what the package made").isNotEmpty()
                .allSatisfy(p -> assertThat(Files.exists(p, LinkOption.NOFOLLOW_LINKS)).as(p + " is left").isFalse());
    }
}
