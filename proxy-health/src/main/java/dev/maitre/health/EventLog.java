package dev.maitre.health;

import java.util.ArrayDeque;
import java.util.List;

/** The most recent health events, oldest first; the oldest is dropped when it is full. */
final class EventLog {

    private final int capacity;
    private final ArrayDeque<HealthEvent> events;

    EventLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("eventLogSize: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
        this.events = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    synchronized void add(HealthEvent event) {
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(event);
    }

    synchronized List<HealthEvent> toList() {
        return List.copyOf(events);
    }
}
