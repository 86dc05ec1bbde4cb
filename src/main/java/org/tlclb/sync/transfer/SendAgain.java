package org.tlclb.sync.transfer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.scan.NotCarried;
import org.tlclb.sync.scan.Names;

/**
 * The files of one node's staging that changed while they were sent (or could not be read to the
 * end), sent again over a fresh SCP channel of the node's session, each one whole and read anew,
 * until it holds still for its send or the tries ({@link Tunables#SEND_TRIES}, the first send
 * included) run out. Each send is checked as the first was (every byte read, size and mtime the
 * same after it as before), so what is staged is a consistent copy, never a torn one. A file that
 * never held still is not carried: the node is partial, the report names it, and the next run
 * sends it (rsync's exit 24 plays this role).
 */
final class SendAgain {
    /** Why a file that was sent is not staged, when nothing failed: it changed during the send. */
    static final String CHANGED = "changed while being sent";
    private static final Logger LOG = LoggerFactory.getLogger("tlclb.timing");
    private final ScpStager.Opening first;
    private final StagePlan plan;
    private final ScpStream.Context context;
    private final boolean newDirsWritable;

    /**
     * @param first           the node's first channel (its session, and the root its scp ran in)
     * @param context         the first send's context; the files are read anew, never taken from
     *                        what another node read
     * @param newDirsWritable keep directories the stream walks through owner-writable (the commit
     *                        sets their modes); false for the full copy, whose D lines set them
     */
    SendAgain(ScpStager.Opening first, StagePlan plan, ScpStream.Context context, boolean newDirsWritable) {
        this.first = first;
        this.plan = plan;
        this.context = new ScpStream.Context(context.timeout(), context.throttle(), context.cancelled(), null,
                context.progress(), context.source());
        this.newDirsWritable = newDirsWritable;
    }

    /**
     * @param sent   what the first send staged
     * @param unsent the items the first send wrote but did not stage, and why
     * @return what staging left, with the files still unsent after the last try as not carried
     */
    StageResult after(StageResult sent, Map<StageItem, String> unsent) {
        Map<Integer, String> left = new LinkedHashMap<>();
        for (StageItem item : sent.written()) {
            int index = plan.indexOf(item.target());
            if (index >= 0 && plan.items().get(index).equals(item) && sent.staged().get(item.target()) == null) {
                left.put(index, unsent.getOrDefault(item, CHANGED));
            }
        }
        if (left.isEmpty() || sent.error() != null) {
            return sent;
        }
        StagedFiles staged = sent.staged();
        Set<String> createdDirs = new HashSet<>(sent.createdDirs());
        List<String> warnings = new ArrayList<>(sent.warnings());
        List<StageItem> written = new ArrayList<>(sent.written());
        Set<StageItem> wrote = new HashSet<>(written);
        long bytes = sent.bytes();
        String error = null;
        int tries = Math.max(1, Tunables.SEND_TRIES.get());
        int tried = 1;
        while (tried < tries && !left.isEmpty() && !context.cancelled().getAsBoolean()) {
            tried++;
            LOG.debug("{}: sending again ({} of {} tries): {}", first.session, tried, tries,
                    left.keySet().stream().map(i -> Names.printable(plan.items().get(i).target())).toList());
            ScpStager.Opening channel = null;
            ScpStream stream = null;
            try {
                channel = ScpStager.openChannel(first.session).start(first.root);
                channel.taken = true;
                channel.future.verify(context.timeout());
                channel.begin();
                stream = new ScpStream(channel.channel, channel.acks, plan, context, newDirsWritable);
                for (int index : left.keySet()) {
                    stream.send(new Piece(index, 0, -1, plan.items().get(index)));
                }
                stream.finish();
            } catch (IOException | RuntimeException e) {
                String refusal = channel == null ? null : channel.acks.errorWithin(Duration.ofSeconds(2));
                error = refusal != null ? "node refused a file: " + refusal
                        : e.getMessage() == null ? e.toString() : e.getMessage();
            } finally {
                if (channel != null) {
                    channel.channel.close(false);
                }
            }
            if (stream != null) {
                stream.staged.forEach(staged::add);
                createdDirs.addAll(stream.createdDirs);
                warnings.addAll(stream.warnings);
                for (StageItem i : stream.written) {
                    if (wrote.add(i)) {
                        written.add(i);
                    }
                }
                bytes += stream.bytes;
            }
            if (error != null) {
                break;
            }
            Map<Integer, String> still = new LinkedHashMap<>();
            for (int index : left.keySet()) {
                String why = stream.unsent.get(plan.items().get(index));
                if (why != null) {
                    still.put(index, why); // sent again and not staged; one that vanished meanwhile is a warning
                }
            }
            left = still;
        }
        List<NotCarried> notCarried = new ArrayList<>();
        for (Map.Entry<Integer, String> e : left.entrySet()) {
            String why = e.getValue().equals(CHANGED) ? "still changing after " + tried + (tried == 1 ? " try" : " tries")
                    : e.getValue() + ", " + tried + (tried == 1 ? " try" : " tries");
            notCarried.add(new NotCarried(plan.items().get(e.getKey()).target(), why));
        }
        return new StageResult(staged, createdDirs, List.copyOf(new LinkedHashSet<>(warnings)), bytes,
                written, error, sent.subtrees(), error != null ? List.of() : notCarried);
    }
}
