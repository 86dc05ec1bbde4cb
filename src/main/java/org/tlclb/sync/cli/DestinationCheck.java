package org.tlclb.sync.cli;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.run.StateAreas;
import org.tlclb.sync.run.SyncUnit;

/**
 * A push's destinations against the state areas the run knows of, before anything is contacted: none may lie
 * inside one, and a whole tree may not hold another known destination (this run's, and sync.conf's ContentDir,
 * ConfigDir and license files' directories), whose state area it would reach.
 */
final class DestinationCheck {
    private DestinationCheck() {
    }

    static void check(List<SyncUnit> units, SyncConfig cfg) throws UsageError {
        Set<String> known = new LinkedHashSet<>();
        units.forEach(u -> known.add(u.dest()));
        known.add(cfg.contentDir().toString());
        known.add(cfg.configDir().toString());
        for (Path lic : cfg.licenseFiles()) {
            if (lic.getParent() != null) {
                known.add(lic.getParent().toString());
            }
        }
        for (SyncUnit u : units) {
            String inside = StateAreas.inside(u.dest()).orElse(null);
            if (inside != null) {
                throw new UsageError("destination " + inside);
            }
            if (u.only() == null) {
                String holds = StateAreas.containing(u.dest(), known).orElse(null);
                if (holds != null) {
                    throw new UsageError("destination " + holds);
                }
            }
        }
    }
}
