# Object storage (only when var.bucket is true): private, encrypted,
# versioned. The pods reach it through EKS Pod Identity on their
# ServiceAccount; there are no access keys.

locals {
  bucket_name = "${var.github_org}-${var.service}-${var.environment}"
}

resource "aws_s3_bucket" "this" {
  count         = var.bucket ? 1 : 0
  bucket        = local.bucket_name
  force_destroy = var.environment != "production"
}

resource "aws_s3_bucket_public_access_block" "this" {
  count                   = var.bucket ? 1 : 0
  bucket                  = aws_s3_bucket.this[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  count  = var.bucket ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count  = var.bucket ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "this" {
  count  = var.bucket ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count  = var.bucket ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  rule {
    id     = "expire-old-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_iam_policy_document" "pod_identity_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "bucket_access" {
  count = var.bucket ? 1 : 0
  statement {
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this[0].arn]
  }
  statement {
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/*"]
  }
}

resource "aws_iam_role" "pod" {
  count              = var.bucket ? 1 : 0
  name               = "${var.service}-${var.environment}-pod"
  assume_role_policy = data.aws_iam_policy_document.pod_identity_trust.json
}

resource "aws_iam_role_policy" "bucket_access" {
  count  = var.bucket ? 1 : 0
  name   = "bucket-access"
  role   = aws_iam_role.pod[0].id
  policy = data.aws_iam_policy_document.bucket_access[0].json
}

resource "aws_eks_pod_identity_association" "pod" {
  count           = var.bucket ? 1 : 0
  cluster_name    = var.eks_cluster_name
  namespace       = var.owner
  service_account = var.service
  role_arn        = aws_iam_role.pod[0].arn
}
