/** Row type of `device_key_links`: one key rotation, old device id to new (issue #4). */
export interface DeviceKeyLinksTable {
  old_device_id: string;
  new_device_id: string;
  /** Server clock, epoch ms. */
  rotated_at: number;
}
