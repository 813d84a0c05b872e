package io.dynamosync.worker.verify;

import io.dynamosync.api.worker.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the replica is verified, and what the last verification said: on a schedule (every {@code interval}, none
 * when zero) and on request ({@link #request}, from {@code POST /verify}), one at a time, on a thread of its own, and
 * only while the worker follows the stream with a complete generation served ({@link #attach}); a request made
 * meanwhile waits for it. The counts survive detaching, not a restart.
 */
public final class Verifications implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Verifications.class);

    private final Duration interval;
    private final Thread thread;
    private final AtomicLong differencesTotal = new AtomicLong();
    private final AtomicLong repairedTotal = new AtomicLong();
    private Verifier verifier;
    private String requestToken;
    private boolean requested;
    private boolean running;
    private long nextScheduledNanos;
    private volatile WorkerStatus.VerificationRun last;
    private volatile boolean closed;

    /** @param interval time between scheduled verifications; zero for none */
    public Verifications(String collection, Duration interval) {
        this.interval = interval;
        this.thread = new Thread(this::loop, "verify-" + collection);
        this.thread.setDaemon(true);
    }

    public Verifications start() {
        thread.start();
        return this;
    }

    /** Verifications may run with {@code verifier} from now on: the worker follows the stream. */
    public synchronized void attach(Verifier verifier) {
        this.verifier = verifier;
        if (nextScheduledNanos == 0) {
            nextScheduledNanos = System.nanoTime() + interval.toNanos();
        }
        notifyAll();
    }

    /** The worker stopped following the stream: a verification that runs stops, and none starts until attached. */
    public void detach() {
        boolean wasRunning;
        synchronized (this) {
            verifier = null;
            wasRunning = running;
        }
        if (wasRunning) {
            thread.interrupt();
        }
    }

    /**
     * Asks for a verification, known by {@code token}; a token already taken asks for nothing more, so a caller may
     * repeat a request until the status shows it taken.
     */
    public synchronized void request(String token) {
        if (token != null && token.equals(requestToken)) {
            return;
        }
        requestToken = token;
        requested = true;
        notifyAll();
    }

    /** What the status shows. */
    public synchronized WorkerStatus.Verification snapshot() {
        return new WorkerStatus.Verification(requestToken, running, last, differencesTotal.get(), repairedTotal.get());
    }

    /** Differences found since the worker started. */
    public long differencesTotal() {
        return differencesTotal.get();
    }

    /** Documents repaired since the worker started. */
    public long repairedTotal() {
        return repairedTotal.get();
    }

    private void loop() {
        while (!closed) {
            Verifier now;
            String trigger;
            String token;
            synchronized (this) {
                try {
                    while (!due()) {
                        long waitMillis = verifier != null && !interval.isZero()
                                ? Math.max(1, (nextScheduledNanos - System.nanoTime()) / 1_000_000)
                                : 0;
                        wait(waitMillis);
                    }
                } catch (InterruptedException e) {
                    if (closed) {
                        return;
                    }
                    continue;
                }
                now = verifier;
                trigger = requested ? "Request" : "Schedule";
                token = requested ? requestToken : null;
                requested = false;
                running = true;
            }
            try {
                WorkerStatus.VerificationRun run = now.run(trigger, token);
                differencesTotal.addAndGet(run.differences());
                repairedTotal.addAndGet(run.repaired());
                last = run;
            } catch (InterruptedException | RuntimeException e) {
                boolean cutShort;
                synchronized (this) {
                    // Detached meanwhile: the interrupt surfaces as whatever the call it hit throws.
                    cutShort = closed || verifier != now;
                    if (cutShort) {
                        // A request cut short is taken again once the worker follows the stream again.
                        requested = requested || "Request".equals(trigger);
                    }
                }
                if (cutShort) {
                    LOG.info("verification stopped: the worker stopped following the stream");
                } else {
                    LOG.warn("verification failed: {}", e.getMessage());
                    Instant at = Instant.now();
                    last = new WorkerStatus.VerificationRun(
                            trigger, token, at, at, 0, 0, 0, 0, List.of(), 0, String.valueOf(e.getMessage()));
                }
            } finally {
                synchronized (this) {
                    running = false;
                    if (!interval.isZero()) {
                        nextScheduledNanos = System.nanoTime() + interval.toNanos();
                    }
                }
                Thread.interrupted();
            }
        }
    }

    private boolean due() {
        if (closed) {
            return false;
        }
        return verifier != null && (requested || (!interval.isZero() && System.nanoTime() - nextScheduledNanos >= 0));
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
