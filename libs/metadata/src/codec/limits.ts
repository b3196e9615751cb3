/** Bounds the decoder enforces; anything beyond them is CORRUPT_MESSAGE, never an allocation. */

/** Largest encoded record accepted (one record is one Kafka record value). */
export const MAX_METADATA_RECORD_BYTES = 1024 * 1024;
/** Longest string in UTF-8 bytes: Kafka's int16-length string limit. */
export const MAX_STRING_BYTES = 32_767;
/** Most elements in one array (replicas, ISR, endpoints). */
export const MAX_ARRAY_LENGTH = 65_535;
/** Most tagged fields after a record's fields. */
export const MAX_TAGGED_FIELDS = 64;
