package org.tlclb.sync.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ExcludeRulesTest {

    private static ExcludeRules rules(String... patterns) {
        return ExcludeRules.of(List.of(patterns));
    }

    @Test
    void noRulesExcludeNothing() {
        assertThat(ExcludeRules.none().excludes("a.swp", false)).isFalse();
        assertThat(ExcludeRules.none().excludesWithAncestors("cache/x", false)).isFalse();
    }

    @Test
    void rootIsNeverExcluded() {
        assertThat(rules("**").excludes("", true)).isFalse();
        assertThat(rules("*").excludes("", true)).isFalse();
    }

    @Test
    void nameWithoutSlashMatchesAtAnyDepth() {
        ExcludeRules r = rules("*.swp");
        assertThat(r.excludes("a.swp", false)).isTrue();
        assertThat(r.excludes("x/a.swp", false)).isTrue();
        assertThat(r.excludes("x/y/z/.a.swp", false)).isTrue();
        assertThat(r.excludes("dir.swp", true)).isTrue();        // not restricted to files
        assertThat(r.excludes("a.swpx", false)).isFalse();
        assertThat(r.excludes("a.swp/b", false)).isFalse();      // only the last element is matched
        assertThat(r.excludes("a\nb.swp", false)).isTrue();      // '*' crosses a newline in a name
    }

    @Test
    void trailingSlashMatchesDirectoriesOnly() {
        ExcludeRules r = rules("cache/");
        assertThat(r.excludes("cache", true)).isTrue();
        assertThat(r.excludes("a/b/cache", true)).isTrue();
        assertThat(r.excludes("cache", false)).isFalse();
        assertThat(r.excludes("a/cache", false)).isFalse();
        assertThat(r.excludes("cache2", true)).isFalse();
    }

    @Test
    void leadingSlashAnchorsAtTheRoot() {
        ExcludeRules r = rules("/top");
        assertThat(r.excludes("top", false)).isTrue();
        assertThat(r.excludes("top", true)).isTrue();
        assertThat(r.excludes("x/top", false)).isFalse();
        assertThat(r.excludes("x/top", true)).isFalse();
        assertThat(r.excludes("topper", false)).isFalse();

        ExcludeRules dir = rules("/build/");
        assertThat(dir.excludes("build", true)).isTrue();
        assertThat(dir.excludes("build", false)).isFalse();
        assertThat(dir.excludes("src/build", true)).isFalse();
    }

    @Test
    void patternWithSlashMatchesTheTailOfThePath() {
        ExcludeRules r = rules("a/b");
        assertThat(r.excludes("a/b", false)).isTrue();
        assertThat(r.excludes("x/a/b", false)).isTrue();
        assertThat(r.excludes("x/y/a/b", true)).isTrue();
        assertThat(r.excludes("xa/b", false)).isFalse();
        assertThat(r.excludes("a/bc", false)).isFalse();
        assertThat(r.excludes("a/b/c", false)).isFalse();
        assertThat(r.excludes("b", false)).isFalse();
    }

    @Test
    void singleStarStaysWithinOneElementDoubleStarCrosses() {
        ExcludeRules one = rules("logs/*.log");
        assertThat(one.excludes("logs/a.log", false)).isTrue();
        assertThat(one.excludes("logs/old/a.log", false)).isFalse();

        ExcludeRules two = rules("logs/**.log");
        assertThat(two.excludes("logs/a.log", false)).isTrue();
        assertThat(two.excludes("logs/old/a.log", false)).isTrue();
        assertThat(two.excludes("logs/old/deeper/a.log", false)).isTrue();
        assertThat(two.excludes("other/a.log", false)).isFalse();

        ExcludeRules anchored = rules("/tmp/**");
        assertThat(anchored.excludes("tmp/a", false)).isTrue();
        assertThat(anchored.excludes("tmp/a/b/c", false)).isTrue();
        assertThat(anchored.excludes("x/tmp/a", false)).isFalse();
    }

    @Test
    void questionMarkIsOneCharacterButNotASlash() {
        ExcludeRules r = rules("file?.txt");
        assertThat(r.excludes("file1.txt", false)).isTrue();
        assertThat(r.excludes("d/fileX.txt", false)).isTrue();
        assertThat(r.excludes("file.txt", false)).isFalse();
        assertThat(r.excludes("file12.txt", false)).isFalse();

        ExcludeRules path = rules("a?b");
        assertThat(path.excludes("a/b", false)).isFalse();
        assertThat(rules("x/a?b").excludes("x/a/b", false)).isFalse();
    }

    @Test
    void characterClass() {
        ExcludeRules r = rules("[ab].txt");
        assertThat(r.excludes("a.txt", false)).isTrue();
        assertThat(r.excludes("b.txt", false)).isTrue();
        assertThat(r.excludes("c.txt", false)).isFalse();
        assertThat(r.excludes("ab.txt", false)).isFalse();

        ExcludeRules range = rules("v[0-9]");
        assertThat(range.excludes("v7", true)).isTrue();
        assertThat(range.excludes("vx", true)).isFalse();
    }

    @Test
    void negatedCharacterClass() {
        ExcludeRules r = rules("[!ab].txt");
        assertThat(r.excludes("c.txt", false)).isTrue();
        assertThat(r.excludes("z.txt", false)).isTrue();
        assertThat(r.excludes("a.txt", false)).isFalse();
        assertThat(r.excludes("b.txt", false)).isFalse();
        assertThat(r.excludes(".txt", false)).isFalse();
    }

    @Test
    void bracketExpressionsThatJavaRegexReadsDifferently() {
        // A '[' inside a class is a member in a glob; in Java it opens a nested class.
        assertThat(rules("[[]x").excludes("[x", false)).isTrue();
        assertThat(rules("[[]x").excludes("x", false)).isFalse();
        // A ']' right after '[' or '[!' is a member.
        assertThat(rules("[]a]").excludes("]", false)).isTrue();
        assertThat(rules("[]a]").excludes("a", false)).isTrue();
        assertThat(rules("[!]a]").excludes("b", false)).isTrue();
        assertThat(rules("[!]a]").excludes("]", false)).isFalse();
        assertThat(rules("[!]a]").excludes("a", false)).isFalse();
        // '&&' is intersection in Java, two members in a glob.
        assertThat(rules("[a&&b]").excludes("a", false)).isTrue();
        assertThat(rules("[a&&b]").excludes("&", false)).isTrue();
        assertThat(rules("[a&&b]").excludes("c", false)).isFalse();
        // '^' negates too, as in rsync.
        assertThat(rules("[^ab]").excludes("c", false)).isTrue();
        assertThat(rules("[^ab]").excludes("a", false)).isFalse();
        // A backslash escapes the next character, also inside a class.
        assertThat(rules("[\\]]x").excludes("]x", false)).isTrue();
        assertThat(rules("[\\d]").excludes("d", false)).isTrue();
        assertThat(rules("[\\d]").excludes("5", false)).isFalse();
        assertThat(rules("[a\\-z]").excludes("-", false)).isTrue();
        assertThat(rules("[a\\-z]").excludes("m", false)).isFalse();
        // A '-' first or last is a member.
        assertThat(rules("[-a]").excludes("-", false)).isTrue();
        assertThat(rules("[a-]").excludes("-", false)).isTrue();
        assertThat(rules("[]").excludes("[]", false)).isTrue(); // never closed: literal
    }

    @Test
    void classNeverMatchesASlashInAWholePathPattern() {
        assertThat(rules("a[!x]b/c").excludes("a/b/c", false)).isFalse();
        assertThat(rules("a[!x]b/c").excludes("ayb/c", false)).isTrue();
        assertThat(rules("a[+-0]b/c").excludes("a/b/c", false)).isFalse(); // '/' lies in the range
        assertThat(rules("a[+-0]b/c").excludes("a.b/c", false)).isTrue();
    }

    @Test
    void regexMetacharactersAreLiteral() {
        ExcludeRules r = rules("a+b(1).$x");
        assertThat(r.excludes("a+b(1).$x", false)).isTrue();
        assertThat(r.excludes("aab(1)x$x", false)).isFalse();
        assertThat(rules("a\\*").excludes("a*", false)).isTrue();
        assertThat(rules("a\\*").excludes("ab", false)).isFalse();
        assertThat(rules("[").excludes("[", false)).isTrue();   // an unclosed '[' is literal
    }

    @Test
    void anyOfSeveralRules() {
        ExcludeRules r = rules("*.swp", "cache/", "/top");
        assertThat(r.excludes("x.swp", false)).isTrue();
        assertThat(r.excludes("cache", true)).isTrue();
        assertThat(r.excludes("top", false)).isTrue();
        assertThat(r.excludes("keep.txt", false)).isFalse();
    }

    @Test
    void excludesWithAncestorsCoversEverythingUnderAnExcludedDirectory() {
        ExcludeRules r = rules("cache/", "/top", "*.swp");
        assertThat(r.excludesWithAncestors("cache/a", false)).isTrue();
        assertThat(r.excludesWithAncestors("x/cache/sub/deep.txt", false)).isTrue();
        assertThat(r.excludesWithAncestors("x/cache/sub", true)).isTrue();
        assertThat(r.excludesWithAncestors("top/a/b", false)).isTrue();
        assertThat(r.excludesWithAncestors("a.swp/inner", false)).isTrue(); // the '*.swp' directory
        assertThat(r.excludesWithAncestors("x/top/a", false)).isFalse();
        assertThat(r.excludesWithAncestors("x/y/z", false)).isFalse();
        assertThat(r.excludesWithAncestors("", true)).isFalse();
        // An ancestor is a directory even when the entry itself is a file named like one.
        assertThat(r.excludesWithAncestors("cache", false)).isFalse();
        assertThat(r.excludesWithAncestors("cache", true)).isTrue();
    }
}
