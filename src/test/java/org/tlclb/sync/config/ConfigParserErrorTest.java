package org.tlclb.sync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each malformed input must give the exact {@code file:line:} prefix and say what was expected. */
class ConfigParserErrorTest {

    private static ConfigException error(String text) {
        ConfigException e = catchThrowableOfType(() -> ConfigParser.parse(text, "sync.conf"), ConfigException.class);
        assertThat(e).as("expected a ConfigException for:%n%s", text).isNotNull();
        return e;
    }

    @Test
    void unknownKeywordListsTheKeywordsAndSuggestsTheNearest() {
        ConfigException e = error("# c\nParallel 4\nParalel 8\n");
        assertThat(e.getMessage()).startsWith(
                "sync.conf:3: unknown keyword 'Paralel' (expected one of: Servers, Server, EndServers, ContentDir, ");
        assertThat(e.getMessage()).contains("LogFile)").endsWith("did you mean 'Parallel'?");
        assertThat(e.file()).isEqualTo("sync.conf");
        assertThat(e.line()).isEqualTo(3);
    }

    @Test
    void serverWithoutAddress() {
        assertThat(error("Servers\nServer node1\nEndServers").getMessage()).isEqualTo(
                "sync.conf:2: Server line needs NAME and ADDRESS: "
                        + "Server NAME [USER@]ADDRESS[:PORT] [direct|tunnel|nat|noping|nosync] [port=N] [user=NAME]");
    }

    @Test
    void serverOutsideServersBlock() {
        assertThat(error("Parallel 2\nServer n1 10.0.0.1").getMessage())
                .startsWith("sync.conf:2: Server outside a Servers block");
    }

    @Test
    void missingEndServersIsReportedAtTheServersLine() {
        assertThat(error("# top\nServers\n Server n1 10.0.0.1\n Server n2 10.0.0.2\n").getMessage())
                .isEqualTo("sync.conf:2: Servers block is not closed (expected EndServers before the end of the file)");
    }

    @Test
    void otherKeywordInsideServersBlock() {
        assertThat(error("Servers\n Server n1 10.0.0.1\nContentDir /srv\nEndServers").getMessage())
                .startsWith("sync.conf:3: ContentDir inside the Servers block opened at line 1 (expected Server or EndServers)");
    }

    @Test
    void endServersWithoutServers() {
        assertThat(error("EndServers").getMessage()).startsWith("sync.conf:1: EndServers without a Servers line");
    }

    @Test
    void secondServersBlock() {
        assertThat(error("Servers\nEndServers\nServers\nEndServers").getMessage())
                .startsWith("sync.conf:3: second Servers block (the first is at line 1");
    }

    @Test
    void duplicateServerNameIgnoringCase() {
        assertThat(error("Servers\n Server web 10.0.0.1\n Server WEB 10.0.0.2\nEndServers").getMessage())
                .isEqualTo("sync.conf:3: duplicate server name 'WEB' (first at line 2; expected unique names)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Server n1 10.0.0.1 port=0        | Server n1 port=: bad value '0' (expected a port number 1..65535)",
        "Server n1 10.0.0.1 port=65536    | bad value '65536' (expected a port number 1..65535)",
        "Server n1 10.0.0.1 port=ssh      | bad value 'ssh' (expected a port number 1..65535)",
        "Server n1 10.0.0.1 port=22 port=23 | Server n1: port given twice",
        "Server n1 10.0.0.1:22 port=23     | Server n1: port given twice",
        "Server n1 a@10.0.0.1 user=b       | Server n1: user given twice",
        "Server n1 10.0.0.1 fast          | Server n1: unknown token 'fast' (expected direct, tunnel, nat, noping, nosync, port=N or user=NAME)",
        "Server n1 10.0.0.1 weight=3      | Server n1: unknown key 'weight=3'",
        "Server n1 10.0.0.1 user=-oProxy  | Server n1: bad user '-oProxy'",
        "Server n1 -oProxyCommand=x       | Server n1: bad address '-oProxyCommand=x'",
        "Server a,b 10.0.0.1              | Server: bad name 'a,b'",
    })
    void badServerLines(String server, String message) {
        String msg = error("Servers\n" + server + "\nEndServers").getMessage();
        assertThat(msg).startsWith("sync.conf:2: ").contains(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Parallel 0                 | Parallel: bad value '0' (expected Parallel N, a whole number 1..1024)",
        "Parallel 1025              | bad value '1025' (expected Parallel N, a whole number 1..1024)",
        "Parallel many              | bad value 'many'",
        "Parallel 99999999999999999 | bad value '99999999999999999'",
        "Parallel                   | Parallel takes one value, got 0 (expected: Parallel N (1..1024))",
        "Parallel 1 2               | Parallel takes one value, got 2",
        "ContentDir var/www         | ContentDir: 'var/www' is not an absolute path (expected a path starting with /)",
        "ContentDir /               | ContentDir: refusing '/'",
        "ConfigDir ~/etc            | ConfigDir: '~/etc' is not an absolute path",
        "LicenseFile license.key    | LicenseFile: 'license.key' is not an absolute path",
        "IdentityFile id_rsa        | IdentityFile: 'id_rsa' is not an absolute path (expected a path starting with / or ~/)",
        "KnownHosts ~root/kh        | KnownHosts: '~root/kh' is not an absolute path",
        "LogFile log.txt            | LogFile: 'log.txt' is not an absolute path",
        "Backup maybe               | Backup: bad value 'maybe' (expected yes, no, true, false, on or off)",
        "HostKeyPolicy trust        | HostKeyPolicy: bad value 'trust' (expected strict, ask or accept-new)",
        "ConnectTimeout 0           | ConnectTimeout: bad value '0' (expected ConnectTimeout SECONDS",
        "ConnectTimeout 1.5         | bad value '1.5' (expected ConnectTimeout SECONDS",
        "Retries 21                 | Retries: bad value '21' (expected Retries N, a whole number 0..20)",
        "Retries -1                 | bad value '-1'",
        "BackupKeep 0               | BackupKeep: bad value '0' (expected BackupKeep N, a whole number 1 or more)",
        "User -root                 | User: bad user name '-root'",
        "PostSync web \"x\"         | PostSync: bad target 'web' (expected content or config",
        "Validate all \"x\"         | Validate: bad target 'all' (expected content or config",
        "PostSync content systemctl reload httpd | PostSync takes 2 values, got 4 (expected: PostSync content|config \"COMMAND\"); quote a value",
        "PostSync content \"\"      | PostSync: empty command",
        "Exclude                    | Exclude takes one value, got 0",
        "Exclude a b                | Exclude takes one value, got 2",
        "Servers now                | Servers takes no value, got 1",
        "ContentDir /a\\nContentDir /b | sync.conf:2: ContentDir is given twice (first at line 1; expected it once)",
        "PostSync config x\\npostsync CONFIG y | sync.conf:2: PostSync config is given twice",
    })
    void badValues(String csvText, String message) {
        String text = csvText.replace("\\n", "\n"); // a real newline would end the CSV record
        String msg = error(text).getMessage();
        assertThat(msg).startsWith(text.contains("\n") ? "sync.conf:2: " : "sync.conf:1: ").contains(message);
    }

    @Test
    void unterminatedQuote() {
        assertThat(error("Parallel 2\nPostSync content \"systemctl reload httpd\n").getMessage())
                .startsWith("sync.conf:2: unterminated quote starting at column 18 (expected a closing \"");
    }

    @Test
    void nulByte() {
        assertThat(error("Parallel 2\nUser ro\0ot").getMessage())
                .isEqualTo("sync.conf:2: NUL byte in line (expected a text file)");
    }

    @Test
    void tooLongLine() {
        String longLine = "Exclude " + "x".repeat(5000);
        assertThat(error("Parallel 2\n\n" + longLine).getMessage())
                .isEqualTo("sync.conf:3: line is 5008 characters long (at most 4096 allowed)");
    }

    @Test
    void lineOfExactly4096CharactersIsAccepted() throws Exception {
        String line = "Exclude " + "x".repeat(4096 - 8);
        assertThat(ConfigParser.parse(line, "sync.conf").excludes().get(0)).hasSize(4088);
    }

    @Test
    void controlCharacter() {
        assertThat(error("User\u001broot").getMessage()).startsWith("sync.conf:1: control character U+001B");
    }

    @Test
    void hostKeyPolicyParseRejectsNullAndJunk() {
        assertThatThrownBy(() -> HostKeyPolicy.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostKeyPolicy.parse("accept_new")).isInstanceOf(IllegalArgumentException.class);
        assertThat(HostKeyPolicy.parse("Strict")).isEqualTo(HostKeyPolicy.STRICT);
        assertThat(HostKeyPolicy.parse("ASK")).isEqualTo(HostKeyPolicy.ASK);
        assertThat(HostKeyPolicy.ACCEPT_NEW.spelling()).isEqualTo("accept-new");
    }
}
