/** Receives progress as rows done out of the total. */
export type ProgressListener = (done: number, total: number) => void;
