"""tribu.business."""
