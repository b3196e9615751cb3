/** ListOffsets `timestamp`: the latest offset (the next one to be written). */
export const LIST_OFFSETS_LATEST_TIMESTAMP = -1;
/** ListOffsets `timestamp`: the earliest offset still in the log. */
export const LIST_OFFSETS_EARLIEST_TIMESTAMP = -2;
/** ListOffsets `timestamp`: the offset of the record with the largest timestamp. */
export const LIST_OFFSETS_MAX_TIMESTAMP = -3;
