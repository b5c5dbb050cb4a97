/**
 * How long the reference's components hold an Event before posting it. A pod's start records about eight
 * (Scheduled; Pulled, Created and Started per container; the autoscaler's decision) while the writes that make
 * the pod reachable (binding, its status with the IP) are in flight: sent at once, they take the API server's
 * time from those, on a machine where a cold start is bound by CPU. Held, they go out after the cold start.
 * Nothing reads an Event's arrival time: each carries the time it was recorded (`firstTimestamp`), as client-go's
 * recorder does, which also posts asynchronously.
 */
export const EVENT_POST_DELAY_MS = 250;

export const afterEventDelay = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, EVENT_POST_DELAY_MS));
