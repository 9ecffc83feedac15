/** Deciding which backends may get traffic: active checks, rise/fall, outlier detection and draining. */
package dev.maitre.health;
