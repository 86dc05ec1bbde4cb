package org.tlclb.sync.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A source tree whose names are hostile to any code that would hand them to a shell, a glob, an
 * option parser or a line-based protocol. A name that a shell would run writes
 * {@code /tmp/pwned-<token>}; that file must never appear.
 */
final class HostileTree {
    final String token;
    final Path pwned;
    final List<String> names = new ArrayList<>();

    private HostileTree(String token) {
        this.token = token;
        this.pwned = Path.of("/tmp/pwned-" + token);
    }

    /** A UTF-8 name of exactly 255 bytes: 127 two-byte 'é' and one 'x'. */
    static String name255() {
        return name255('x');
    }

    static String name255(char last) {
        String n = "é".repeat(127) + last;
        if (n.getBytes(StandardCharsets.UTF_8).length != 255) {
            throw new IllegalStateException();
        }
        return n;
    }

    static HostileTree build(Path src) throws IOException {
        HostileTree t = new HostileTree(FaultSupport.token());
        String touch = "touch " + t.pwned;
        String[] fileNames = {
            "new\nline.txt",
            "cr\rname.txt",
            "trailing-newline\n",
            "single'quote.txt",
            "double\"quote.txt",
            "$(" + touch + ")",
            "`" + touch + "`",
            "semi;" + touch + ";x",
            "pipe|" + touch,
            "amp&&" + touch,
            "redir>x<y",
            "-leading-dash",
            "--help",
            "-rf",
            "back\\slash\\n.txt",
            "star*quest?[bracket]{brace}",
            " leading space",
            "trailing space ",
            "  ",
            "tab\there",
            "dollar$HOME",
            "percent%s%n",
            "hash#~tilde",
            "日本語ファイル.txt",
            "émoji-😀-ñ",
            "combining-e\u0301",
            "rtl-\u202Eexe.txt",
            "bell\u0007esc\u001b[31m",
            ".hidden",
            "..dots",
            "...",
            name255(),
        };
        for (String n : fileNames) {
            t.add(src, n, "content of " + n);
        }
        String[] dirNames = {
            "dir\nwith newline",
            "dir\rcr",
            "$(" + touch + ") dir",
            "`" + touch + "`dir",
            "-dash dir",
            "quote's \"dir\"",
            "back\\dir",
            "glob*dir?[x]",
            " spaced dir ",
            "ディレクトリ",
            name255('d'),
        };
        for (String d : dirNames) {
            t.add(src, d + "/inner.txt", "inside " + d);
            t.add(src, d + "/new\nline in dir", "nested hostile");
            t.add(src, d + "/$(" + touch + ")", "nested hostile 2");
            Files.createDirectories(src.resolve(d).resolve("empty sub"));
        }
        // Hostile directory inside a hostile directory, twice.
        t.add(src, "dir\nwith newline/-x\nsub/'q'/f\n", "deep hostile");
        // 60 levels of nesting.
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            deep.append(i % 2 == 0 ? "lvl" + i : "l'v\"l $" + i).append('/');
        }
        t.add(src, deep + "bottom.txt", "60 levels down");
        // Modes survive too.
        Path exe = t.add(src, "-exec; rm -rf ~", "#!/bin/sh\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(exe, FileTime.from(FaultSupport.T0));
        // Directory mtimes are compared too: set them after their content.
        try (var s = Files.walk(src)) {
            for (Path p : s.filter(Files::isDirectory).toList()) {
                if (!p.equals(src)) {
                    Files.setLastModifiedTime(p, FileTime.from(FaultSupport.T0.minusSeconds(p.getNameCount())));
                }
            }
        }
        return t;
    }

    private Path add(Path src, String rel, String content) throws IOException {
        names.add(rel);
        return FaultSupport.write(src, rel, content);
    }
}
