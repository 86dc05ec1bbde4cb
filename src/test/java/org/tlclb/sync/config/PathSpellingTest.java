package org.tlclb.sync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A path on the nodes is taken only in its one form; otherwise the form to type is said (issue 29, part 7). */
class PathSpellingTest {
    @ParameterizedTest
    @CsvSource({
            "/var/www/../html, has a '..' component, /var/html",
            "/var/www/html/.., has a '..' component, /var/www",
            "/../var/www, has a '..' component, /var/www",
            "/var/./www, has a '.' component, /var/www",
            "/var/www/., has a '.' component, /var/www",
            "/var//www, has a doubled slash, /var/www",
            "//var/www, has a doubled slash, /var/www",
            "/var/www/./../x//y, has a '..' component, /var/x/y",
    })
    void aPathNotInItsOneFormIsNamedWithThatForm(String path, String problem, String form) {
        assertThat(PathSpelling.problem(path)).isEqualTo(problem);
        assertThat(PathSpelling.normalized(path)).isEqualTo(form);
    }

    @ParameterizedTest
    @CsvSource({"/var/www/html", "/var/www/html/", "/var/www/html//", "/", "/var/www/.hidden", "/var/...",
            "/var/..x", "/a/b.c"})
    void theOneFormAndTrailingSlashesAreTaken(String path) {
        assertThat(PathSpelling.problem(path)).isNull();
    }

    @Test
    void syncConfNodePathsAreTakenOnlyInTheirOneForm() {
        assertThat(error("ContentDir /var/www/../html\n").getMessage()).isEqualTo("sync.conf:1: ContentDir:"
                + " '/var/www/../html' has a '..' component (expected the path in its one form: /var/html)");
        assertThat(error("Parallel 2\nConfigDir /etc//clusterserver\n").getMessage()).isEqualTo("sync.conf:2:"
                + " ConfigDir: '/etc//clusterserver' has a doubled slash (expected the path in its one form:"
                + " /etc/clusterserver)");
        assertThat(error("LicenseFile /etc/tlclb/./license.key\n").getMessage()).isEqualTo("sync.conf:1:"
                + " LicenseFile: '/etc/tlclb/./license.key' has a '.' component (expected the path in its one form:"
                + " /etc/tlclb/license.key)");
    }

    @Test
    void aTrailingSlashInSyncConfIsNoError() throws ConfigException {
        assertThat(ConfigParser.parse("ContentDir /srv/www/\n", "sync.conf", null).contentDir().toString())
                .isEqualTo("/srv/www");
    }

    private static ConfigException error(String text) {
        ConfigException e = catchThrowableOfType(() -> ConfigParser.parse(text, "sync.conf"), ConfigException.class);
        assertThat(e).as("expected a ConfigException for:%n%s", text).isNotNull();
        return e;
    }
}
