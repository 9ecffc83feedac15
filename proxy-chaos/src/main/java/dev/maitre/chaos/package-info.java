/** The fault-injection suite: Toxiproxy between maitre and WireMock backends. */
package dev.maitre.chaos;
