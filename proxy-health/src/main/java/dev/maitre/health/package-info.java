/**
 * Deciding which backends may get traffic: active checks with rise and fall, draining, passive outlier
 * detection and panic routing, by the rules of DESIGN.md §3. {@link dev.maitre.health.HealthMonitor} is
 * the one entry point; it publishes to the data plane through {@link dev.maitre.api.health.HealthView},
 * hears it through {@link dev.maitre.api.health.OutcomeListener}, and gives the admin API snapshots
 * ({@link dev.maitre.health.ClusterHealth}) and events ({@link dev.maitre.health.HealthEvent}).
 */
package dev.maitre.health;
