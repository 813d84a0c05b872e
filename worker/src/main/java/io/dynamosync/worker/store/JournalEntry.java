package io.dynamosync.worker.store;

import com.fasterxml.jackson.databind.JsonNode;

/** An entry of the journal: its position, which orders entries as journaled, and the entry. */
public record JournalEntry(long position, JsonNode entry) {}
