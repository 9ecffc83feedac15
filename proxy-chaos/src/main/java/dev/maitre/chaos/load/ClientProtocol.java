package dev.maitre.chaos.load;

/** What the load generator's clients speak to maitre's clear-text listener. */
public enum ClientProtocol {

    /** HTTP/1.1, one request at a time per connection. */
    HTTP_1_1("HTTP/1.1", ""),
    /** HTTP/2 with prior knowledge (the connection opens with the preface), streams multiplexed on few connections. */
    HTTP_2("HTTP/2", "-h2");

    private final String label;
    private final String idSuffix;

    ClientProtocol(String label, String idSuffix) {
        this.label = label;
        this.idSuffix = idSuffix;
    }

    /** "HTTP/1.1" or "HTTP/2", as the report names it. */
    public String label() {
        return label;
    }

    /**
     * {@code id} for a scenario run with these clients: unchanged for HTTP/1.1, {@code id-h2} for
     * HTTP/2, so that both runs of a scenario have a report entry, a log and Toxiproxy proxies of their own.
     */
    public String scenarioId(String id) {
        return id + idSuffix;
    }
}
