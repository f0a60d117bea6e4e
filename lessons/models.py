"""The subject: the layers of the stack, AWS services, and who owns each cell."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lessons.sources import Source, validate_aws_source
from srm_site.shared.reverse import reverse_cached


class SlugQuerySet(models.QuerySet):
    """Lets fixtures refer to rows by slug, so `loaddata` updates in place."""

    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class Layer(models.Model):
    """One level of the stack, numbered from the data centre (1) upwards."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(
        unique=True, help_text="1 is the bottom of the stack (physical facilities)."
    )
    description = models.TextField(help_text="What this layer includes.")
    drill_question = models.CharField(
        max_length=160,
        blank=True,
        help_text="Ends “On <service>, …” in matrix drills, e.g. “who patches the guest OS?”",
    )
    lesson = models.ForeignKey(
        "Lesson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The lesson that teaches this layer; results send learners weak here to it.",
    )

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Service(models.Model):
    """An AWS service whose responsibilities the matrix describes."""

    class Category(models.TextChoices):
        COMPUTE = "compute", "Compute"
        CONTAINERS = "containers", "Containers"
        DATABASE = "database", "Database"
        STORAGE = "storage", "Storage"
        NETWORKING = "networking", "Networking"
        SECURITY = "security", "Security, identity and compliance"
        END_USER = "end-user", "End-user computing"

    class Abstraction(models.TextChoices):
        IAAS = "iaas", "Infrastructure (IaaS)"
        PAAS = "paas", "Managed platform (PaaS)"
        SERVERLESS = "serverless", "Serverless"
        MANAGED_DESKTOP = "managed-desktop", "Managed virtual desktop"
        SAAS = "saas", "Software as a service (SaaS)"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    short_name = models.CharField(
        max_length=24, help_text="Column heading in the matrix, e.g. “EC2”."
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    abstraction = models.CharField(max_length=20, choices=Abstraction.choices)
    position = models.PositiveSmallIntegerField(
        default=0,
        help_text="Column order: lowest is the most customer-managed service.",
    )
    summary = models.TextField()
    lesson = models.ForeignKey(
        "Lesson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="This service's own lesson; results send learners weak here to it.",
    )

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_cached("lessons:matrix_service", slug=self.slug)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Owner(models.TextChoices):
    AWS = "aws", "AWS"
    CUSTOMER = "customer", "Customer"
    SHARED = "shared", "Shared"
    NOT_APPLICABLE = "n/a", "Not applicable"


class ResponsibilityQuerySet(models.QuerySet):
    def get_by_natural_key(self, service_slug: str, layer_slug: str):
        return self.get(service__slug=service_slug, layer__slug=layer_slug)


class Responsibility(models.Model):
    """Who secures one layer of one service, and what each side does there."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="responsibilities")
    # A layer with matrix cells can't be deleted by accident: the grid would gap.
    layer = models.ForeignKey(Layer, on_delete=models.PROTECT, related_name="responsibilities")
    owner = models.CharField(max_length=10, choices=Owner.choices)
    aws_part = models.TextField("what AWS does")
    customer_part = models.TextField("what the customer does")
    source_url = models.URLField(
        "source",
        max_length=400,
        blank=True,
        validators=[validate_aws_source],
        help_text="The AWS page that supports this cell's owner and both texts (https, on "
        "docs.aws.amazon.com, aws.amazon.com or repost.aws).",
    )
    source_title = models.CharField(
        max_length=160, blank=True, help_text="The page's title, as learners see the link."
    )

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        ordering = ["service__position", "layer__position"]
        verbose_name_plural = "responsibilities"
        constraints = [
            models.UniqueConstraint(
                fields=["service", "layer"], name="one_responsibility_per_cell"
            ),
            models.CheckConstraint(
                condition=models.Q(owner__in=Owner.values), name="owner_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} · {self.layer}: {self.get_owner_display()}"

    def natural_key(self) -> tuple[str, str]:
        return self.service.natural_key() + self.layer.natural_key()

    natural_key.dependencies = ["lessons.service", "lessons.layer"]

    @property
    def source_list(self) -> list[Source]:
        """The cell's source as a list, like a question's (empty until one is set)."""
        return [Source(url=self.source_url, title=self.source_title)] if self.source_url else []

    @property
    def owner_css(self) -> str:
        """A class-name-safe form of the owner (`n/a` becomes `na`)."""
        return self.owner.replace("/", "")


class Control(models.Model):
    """A security control and how AWS and the customer divide it."""

    class Kind(models.TextChoices):
        INHERITED = "inherited", "Inherited"
        SHARED = "shared", "Shared"
        CUSTOMER_SPECIFIC = "customer-specific", "Customer-specific"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    aws_part = models.TextField("what AWS does")
    customer_part = models.TextField("what the customer does")

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["inherited", "shared", "customer-specific"]),
                name="control_kind_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


WORDS_PER_MINUTE = 200


class LessonQuerySet(SlugQuerySet):
    def published(self) -> LessonQuerySet:
        return self.filter(published=True)

    def visible_to(self, user) -> LessonQuerySet:
        """Learners see published lessons; staff also see drafts, to preview them."""
        return self if user.is_staff else self.published()


class Lesson(models.Model):
    """One step on the study path."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    summary = models.TextField(help_text="What the learner can do after reading.")
    position = models.PositiveSmallIntegerField(help_text="Order on the study path.")
    prompt = models.TextField(
        "think before reading", help_text="A question the learner answers in their head first."
    )
    prompt_answer = models.TextField("answer to the prompt")
    body = models.TextField(help_text="Markdown. Raw HTML is not rendered.")
    takeaways = models.TextField(help_text="Key takeaways, one per line.")
    further_reading = models.TextField(
        blank=True, help_text="Markdown links to official AWS pages, one per line."
    )
    exam_ref = models.CharField("exam reference", max_length=60, default="CLF-C02 · Task 2.1")
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="unlocks"
    )
    services = models.ManyToManyField(Service, blank=True, related_name="lessons")
    published = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse_cached("lessons:lesson_detail", slug=self.slug)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def reading_minutes(self) -> int:
        return max(1, round(len(self.body.split()) / WORDS_PER_MINUTE))

    @property
    def takeaway_list(self) -> list[str]:
        return [line.strip() for line in self.takeaways.splitlines() if line.strip()]

    @property
    def further_reading_list(self) -> list[str]:
        """One Markdown link per non-blank line, any list marker the author typed dropped."""
        lines = (line.strip() for line in self.further_reading.splitlines())
        return [line.removeprefix("- ").removeprefix("* ").strip() for line in lines if line]


class LessonProgress(models.Model):
    """A learner finished a lesson. One row per learner and lesson, ever."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_completion_per_lesson")
        ]

    def __str__(self) -> str:
        return f"{self.user} finished {self.lesson}"
