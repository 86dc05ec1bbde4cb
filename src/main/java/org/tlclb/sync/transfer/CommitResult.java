package org.tlclb.sync.transfer;

import java.util.List;

/** What a commit did; errors are per entry (the rest of the commit goes on). */
public record CommitResult(int renamed, int deleted, int attrs, List<String> errors) {
}
