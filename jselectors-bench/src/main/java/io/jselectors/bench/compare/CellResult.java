package io.jselectors.bench.compare;

import io.jselectors.bench.load.LoadResult;

/**
 * One server in one scenario: the load result, or why there is none.
 *
 * @param server         the server's name
 * @param scenario       the scenario
 * @param load           what the load generator measured, or null when the cell failed
 * @param emptyRssBytes  the server's RSS just after it started listening, before any connection
 * @param failure        why the cell failed, or null
 */
public record CellResult(String server, Scenario scenario, LoadResult load, long emptyRssBytes, String failure) {
    /** @return true when there are figures */
    public boolean ok() {
        return load != null;
    }

    /** @return server CPU seconds (user + system) over the window */
    public double serverCpuSeconds() {
        return load.serverCpu().totalSeconds();
    }

    /** @return RSS above the empty server, in bytes */
    public long rssAboveEmpty() {
        return load.serverRssBytes() - emptyRssBytes;
    }
}
